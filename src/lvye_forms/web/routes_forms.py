"""表单: the forms by service area, their input workbooks and blank printable forms."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..i18n import t
from . import blank, catalogue
from .downloads import attachment
from .state import Web

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def routes(web: Web) -> list[Route]:
    async def forms(request: Request) -> Response:
        groups = await run_in_threadpool(catalogue.by_area)
        return web.page(
            request,
            "forms.html",
            active="forms",
            groups=groups,
            seeds=[(number, t(*names)) for number, names in catalogue.SEED_NAMES.items()],
        )

    async def workbook(request: Request) -> Response:
        form_id = request.path_params["form_id"]
        example = request.query_params.get("example") == "1"
        if form_id == "all":
            data = await run_in_threadpool(catalogue.workbook, None, example)
            return attachment(data, catalogue.workbook_name(None, example), XLSX)
        if not catalogue.known(form_id):
            raise HTTPException(404)
        data = await run_in_threadpool(catalogue.workbook, form_id, example)
        return attachment(data, catalogue.workbook_name(form_id, example), XLSX)

    async def workbooks_zip(request: Request) -> Response:
        example = request.query_params.get("example") == "1"
        data = await run_in_threadpool(catalogue.all_workbooks_zip, example)
        name = (
            t("全部表单_示例.zip", "all-forms-examples.zip")
            if example
            else t("全部表单_输入表.zip", "all-forms-inputs.zip")
        )
        return attachment(data, name, "application/zip")

    async def blank_form(request: Request) -> Response:
        form_id = request.path_params["form_id"]
        if not catalogue.known(form_id):
            raise HTTPException(404)
        web.apply_templates()
        agency = web.settings().agency or None
        data, name, media = await run_in_threadpool(blank.make, form_id, agency)
        return attachment(data, name, media)

    return [
        Route("/forms", forms),
        Route("/forms/all.zip", workbooks_zip),
        Route("/forms/{form_id}/workbook", workbook),
        Route("/forms/{form_id}/blank", blank_form),
    ]
