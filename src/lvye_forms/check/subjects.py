"""The kinds of subject a profile's rules are about, and what staff call them."""

from __future__ import annotations

from .. import i18n

SUBJECT_LABELS = {
    "application": "服务申请",
    "case": "个案",
    "group": "小组",
    "activity": "社区活动",
    "elder": "居家养老服务对象",
    "trainee": "残康学员",
    "caregiver": "护工",
    "service_point": "服务点",
}
SUBJECT_LABELS_EN = {
    "application": "application",
    "case": "case",
    "group": "group",
    "activity": "activity",
    "elder": "elder",
    "trainee": "trainee",
    "caregiver": "caregiver",
    "service_point": "service point",
}


def subject_label(subject_type: str) -> str:
    """个案, 小组… (case, group… in English)."""
    labels = SUBJECT_LABELS_EN if i18n.current() == "en" else SUBJECT_LABELS
    return labels.get(subject_type, subject_type)
