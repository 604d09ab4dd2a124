"""The SMS outbox: written with the decision to send, sent after commit, kept until it goes out."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import transaction

from chengguan.messaging import sms
from chengguan.messaging.models import MessageStatus, OutboundMessage
from chengguan.org.system import system_actor

ATTEMPTS: list[str] = []


class DownGateway:
    """A gateway that is unreachable."""

    def send(self, phone: str, body: str) -> None:
        ATTEMPTS.append(phone)
        raise ConnectionError("网关无响应")


def _lines(path) -> list[dict]:
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )


def test_file_backend_writes_one_json_line_per_message_after_commit(
    db, sms_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sms.sms_queue(actor=system_actor(), phone="13812345678", body="【城管】测试一", key="t:1")
        sms.sms_queue(actor=system_actor(), phone="13912345678", body="【城管】测试二", key="t:2")
        assert not sms_file.exists()  # nothing goes out before the transaction commits
    assert [(m["phone"], m["body"]) for m in _lines(sms_file)] == [
        ("13812345678", "【城管】测试一"),
        ("13912345678", "【城管】测试二"),
    ]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {MessageStatus.SENT}


def test_the_same_key_is_sent_once(db, sms_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            sms.sms_queue(actor=system_actor(), phone="13812345678", body="一", key="case:1:file") is not None
        )
        assert sms.sms_queue(actor=system_actor(), phone="13812345678", body="一", key="case:1:file") is None
    assert len(_lines(sms_file)) == 1


def test_a_rolled_back_decision_sends_nothing(db, sms_file, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sms.sms_queue(actor=system_actor(), phone="13812345678", body="不该发出", key="t:rollback")
        raise RuntimeError("the case write failed")
    assert not OutboundMessage.objects.exists()
    assert not sms_file.exists()


def test_a_failed_send_stays_queued_and_retry_sends_it(
    db, settings, sms_file, django_capture_on_commit_callbacks
):
    settings.CHENGGUAN_SMS_BACKEND = "tests.messaging.test_sms.DownGateway"
    ATTEMPTS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sms.sms_queue(actor=system_actor(), phone="13812345678", body="【城管】您的问题已立案", key="t:down")
    message = OutboundMessage.objects.get()
    assert ATTEMPTS == ["13812345678"]
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert "网关无响应" in message.last_error

    settings.CHENGGUAN_SMS_BACKEND = "file"
    call_command("sms", "retry")
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    assert _lines(sms_file)[0]["body"] == "【城管】您的问题已立案"
    call_command("sms", "retry")  # nothing left: not sent twice
    assert len(_lines(sms_file)) == 1
