"""The mission report page, the comparison of two missions, and the exports."""

import io
import posixpath
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from events.access import get_mission_for_report

from .. import export_jobs
from ..access import get_report_export_for_user
from ..charts import report_charts
from ..exports import CONTENT_TYPES, WRITERS, csv_chunks, export_filename, pdf_html, render_pdf
from ..models import ReportExport
from ..report import export_row_estimate, mission_report
from ..report_forms import CompareForm, ReportFilterForm

RECENT_EXPORTS = 8


def _filter_form(request, mission, data) -> ReportFilterForm:
    present = {k: v for k, v in data.items() if k in ("event", "date_from", "date_to") and v}
    return ReportFilterForm(present or None, mission=mission)


@login_required
@require_GET
def mission_report_page(request, pk):
    mission = get_mission_for_report(request.user, pk)
    form = _filter_form(request, mission, request.GET)
    if form.is_bound and not form.is_valid():
        messages.error(request, "Some filters were not valid, so the report shows the whole mission.")
    report = mission_report(mission=mission, filters=form.filters())
    return render(
        request,
        "followups/report/report.html",
        {
            "mission": mission,
            "report": report,
            "charts": report_charts(report),
            "form": form,
            "compare_form": CompareForm(mission=mission, user=request.user),
            "exports": ReportExport.objects.filter(mission=mission).select_related("requested_by")[:RECENT_EXPORTS],
            "formats": ReportExport.Format.choices,
        },
    )


@login_required
@require_GET
def mission_report_compare(request, pk):
    mission = get_mission_for_report(request.user, pk)
    form = CompareForm(request.GET or None, mission=mission, user=request.user)
    reports = []
    if form.is_bound:
        if form.is_valid():
            other = form.cleaned_data["other"]
            # Oldest first reads naturally: last year on the left, this year on the right.
            pair = sorted([mission, other], key=lambda m: (m.start_date, m.pk))
            reports = [mission_report(mission=m) for m in pair]
        else:
            messages.error(request, "Choose one of your missions to compare with.")
    rows = []
    if reports:
        left, right = (dict(r.kpis()) for r in reports)
        for label in dict.fromkeys([*left, *right]):
            a, b = left.get(label, ""), right.get(label, "")
            numbers = (int, float, Decimal)
            change = b - a if isinstance(a, numbers) and isinstance(b, numbers) else None
            rows.append((label, a, b, change))
    return render(
        request,
        "followups/report/compare.html",
        {
            "mission": mission,
            "form": form,
            "reports": reports,
            "rows": rows,
            "sides": [(r, report_charts(r)) for r in reports],
        },
    )


@login_required
@require_POST
def mission_report_export(request, pk, fmt):
    mission = get_mission_for_report(request.user, pk)
    if fmt not in WRITERS:
        raise Http404("No such export format.")
    form = _filter_form(request, mission, request.POST)
    report_url = reverse("followups:mission-report", kwargs={"pk": mission.pk})
    if form.is_bound and not form.is_valid():
        messages.error(request, "The export's filters were not valid; nothing was exported. Check them and try again.")
        return redirect(f"{report_url}?{urlencode(form.data)}")
    filters = form.filters()
    rows = export_row_estimate(mission=mission, filters=filters)
    # Laying out a PDF is far slower than writing a spreadsheet: a fifth of the rows.
    limit = settings.REPORT_EXPORT_DIRECT_MAX_ROWS // (5 if fmt == "pdf" else 1)
    if rows > limit:
        export = export_jobs.report_export_request(
            mission=mission, user=request.user, fmt=fmt, filters=filters, rows=rows
        )
        return redirect("followups:report-export-status", pk=export.pk)

    report = mission_report(mission=mission, filters=filters)
    export_jobs.report_export_log(mission=mission, user=request.user, fmt=fmt, filters=filters, rows=rows)
    filename = export_filename(report, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(report), content_type=CONTENT_TYPES["csv"])
    elif fmt == "xlsx":
        buffer = io.BytesIO()
        WRITERS["xlsx"](report, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    else:
        response = HttpResponse(render_pdf(pdf_html(report)), content_type=CONTENT_TYPES["pdf"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def report_export_status(request, pk):
    export = get_report_export_for_user(request.user, pk)
    template = "followups/report/_export_progress.html" if request.htmx else "followups/report/export_status.html"
    return render(request, template, {"export": export, "mission": export.mission})


@login_required
@require_GET
def report_export_download(request, pk):
    export = get_report_export_for_user(request.user, pk)
    if export.status != ReportExport.Status.DONE or not export.file:
        return render(
            request,
            "followups/report/export_status.html",
            {"export": export, "mission": export.mission},
            status=410 if export.status == ReportExport.Status.EXPIRED else 409,
        )
    try:
        handle = default_storage.open(export.file.name, "rb")
    except FileNotFoundError:
        raise Http404("The file of this export is gone; export the report again.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=posixpath.basename(export.file.name),
        content_type=CONTENT_TYPES[export.format],
    )
    response["Cache-Control"] = "private, no-store"
    return response
