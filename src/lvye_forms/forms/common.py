"""Choices shared by several forms."""

from __future__ import annotations

from ..fields import Choice


class Sex(Choice):
    MALE = "男"
    FEMALE = "女"


class Attainment(Choice):
    """How far an objective was met (activity and group reports)."""

    FULLY = "完全达到"
    MOSTLY = "大部分达到"
    PARTLY = "部分达到"
    NOT_MET = "未达到"
