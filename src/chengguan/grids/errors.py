"""Every error code the unit grids raise (editing, import, geometry, coding, lookup), with the
message it stands for."""

from __future__ import annotations

from chengguan.core.errors import ErrorCodes


class GridError(ErrorCodes):
    PERMISSION_DENIED = "grid.permission_denied", "只有管理员可以维护单元网格。"
    BAD_STREETS = "grid.bad_streets", "底图道路文件中没有可载入的道路。"
    BAD_QUERY = "grid.bad_query", "查询参数有误。"
    OTHER_BUREAU = "grid.other_bureau", "不能维护其他城管局的单元网格。"
    FIELD_NOT_EDITABLE = "grid.field_not_editable", "该字段不能修改。"
    # The grid's unit and people.
    NOT_A_SQUAD = "grid.not_a_squad", "所选单位不是执法中队。"
    SQUAD_OTHER_BUREAU = "grid.squad_other_bureau", "执法中队不属于本网格所在的城管局。"
    NOT_A_COMMUNITY = "grid.not_a_community", "网格须归属社区。"
    COMMUNITY_WITHOUT_SUBDISTRICT = "grid.community_without_subdistrict", "社区不属于任何街道。"
    UNKNOWN_COMMUNITY = "grid.unknown_community", "找不到社区（区县+街道+社区代码）。"
    UNKNOWN_SQUAD = "grid.unknown_squad", "找不到执法中队。"
    UNKNOWN_INSPECTOR = "grid.unknown_inspector", "找不到监督员账号。"
    # The grid code (GB/T 30428.1).
    CODE_REQUIRED = "grid.code_required", "网格编码不能为空。"
    CODE_FORMAT = "grid.code_format", "网格编码位数不对。"
    CODE_MISMATCH = "grid.code_mismatch", "网格编码与所属区县、街道、社区的代码不符。"
    CODE_SEQUENCE = "grid.code_sequence", "网格顺序码从 1 开始，不能全为 0。"
    CODE_TAKEN = "grid.code_taken", "网格编码已被其他网格使用。"
    CODE_DUPLICATE_IN_FILE = "grid.code_duplicate_in_file", "文件中网格编码重复。"
    COUNTY_CODE_MISSING = "grid.county_code_missing", "所属城管局没有 6 位县级行政区划代码。"
    STREET_CODE_MISSING = "grid.street_code_missing", "街道没有 3 位街道代码。"
    COMMUNITY_CODE_MISSING = "grid.community_code_missing", "社区没有 3 位社区代码。"
    COMMUNITY_FORMAT = "grid.community_format", "社区代码须为 3 位或 12 位数字。"
    # GeoJSON import and geometry.
    FEATURE_INVALID = "grid.feature_invalid", "不是有效的 GeoJSON Feature 对象。"
    GEOMETRY_INVALID = "grid.geometry_invalid", "网格几何无效。"
    GEOMETRY_RANGE = "grid.geometry_range", "网格坐标超出范围。"
    GEOMETRY_NOT_CLOSED = "grid.geometry_not_closed", "网格边界未闭合：首尾坐标必须相同。"
    GEOMETRY_TYPE = "grid.geometry_type", "网格几何须为 GeoJSON Polygon 或 MultiPolygon。"
    GEOMETRY_EMPTY = "grid.geometry_empty", "网格几何为空或面积为零。"
    # Locating a point.
    UNKNOWN_CRS = "grid.unknown_crs", "未知的坐标系。"
    BAD_COORDINATE = "grid.bad_coordinate", "经纬度必须是数字且在范围内。"
    OUTSIDE_JURISDICTION = "grids.outside_jurisdiction", "该位置不在本辖区任何单元网格内。"
