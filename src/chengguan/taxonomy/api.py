"""REST API of the taxonomy app: the active component and event categories (GB/T 30428.2)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.core.api import API_AUTHENTICATION, error_response, error_responses
from chengguan.taxonomy import selectors
from chengguan.taxonomy.filters import CategoryFilter
from chengguan.taxonomy.models import Category, MajorCategory


class MajorSerializer(serializers.ModelSerializer):
    class Meta:
        model = MajorCategory
        fields = ["code", "name_zh", "name_en"]
        read_only_fields = fields


class TimeLimitSerializer(serializers.Serializer):
    amount = serializers.IntegerField()
    unit = serializers.CharField(help_text="working_hours 工作时 / working_days 工作日")
    unit_name = serializers.CharField()
    label = serializers.CharField(help_text="如“2个工作时”")


class CategorySerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="get_kind_display", read_only=True)
    classification = serializers.CharField(source="classification.code", read_only=True)
    major = MajorSerializer(read_only=True)
    time_limit = serializers.SerializerMethodField(help_text="处置时限")

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "minor_code",
            "kind",
            "kind_name",
            "classification",
            "major",
            "name_zh",
            "name_en",
            "time_limit",
            "filing_criteria",
            "closing_criteria",
        ]
        read_only_fields = fields

    @extend_schema_field(TimeLimitSerializer)
    def get_time_limit(self, obj: Category) -> dict:
        unit_name = obj.get_time_limit_unit_display()
        return {
            "amount": obj.time_limit_amount,
            "unit": obj.time_limit_unit,
            "unit_name": unit_name,
            "label": f"{obj.time_limit_amount}个{unit_name}",
        }


class CategoryList(generics.ListAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = CategorySerializer
    filterset_class = CategoryFilter

    def get_queryset(self):
        return selectors.active_categories()

    @extend_schema(
        operation_id="categories_list",
        summary="部件/事件分类",
        description="现行分类标准中的小类，含处置时限、立案标准和结案标准。",
        responses={200: CategorySerializer(many=True), **error_responses(400, 401)},
        tags=["taxonomy"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CategoryDetail(generics.GenericAPIView):
    authentication_classes = API_AUTHENTICATION
    serializer_class = CategorySerializer
    lookup_field = "code"
    queryset = Category.objects.none()

    @extend_schema(
        operation_id="categories_retrieve",
        summary="单个分类",
        responses={
            200: CategorySerializer,
            401: error_response(401),
            404: error_response(404, "taxonomy.unknown_category", "未知的部件/事件分类代码：209999"),
        },
        tags=["taxonomy"],
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(self.get_serializer(selectors.category_by_code(code)).data)
