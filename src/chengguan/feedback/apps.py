from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """Feedback (反馈) and callback (回访) records of a case: written by the public portal, read by the
    outside channels and the figures, hence below both."""

    name = "chengguan.feedback"
    label = "feedback"
    verbose_name = "反馈与回访"
