"""Imports: upload a file, map its columns, preview, import (in the background when large)."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import imports, services
from ..access import get_import_job_for_user, get_mission_for_user, may_import_contacts
from ..forms import ImportMappingForm, ImportMatchForm, ImportUploadForm
from ..models import ImportJob

MISSION_KINDS = {ImportJob.Kind.DELEGATES, ImportJob.Kind.MEETINGS}
PREVIEW_ROWS = 200
PREVIEW_ERROR_ROWS = 500
SUMMARY_LABELS = {"organisation": "Organisations", "person": "People", "delegate": "Delegates", "meeting": "Meetings"}

KIND_HINTS = {
    ImportJob.Kind.DELEGATES: "One row per delegate: name (and name in Japanese), email, organisation, role.",
    ImportJob.Kind.CONTACTS: "One row per organisation, or per person with their organisation: names in either "
    "script, kind, country, city, website, email, phone.",
    ImportJob.Kind.MEETINGS: "The meeting list exported from the partnering platform: date, time, table, our "
    "delegate, company (and its name in Japanese), contact person, status.",
}


def _upload(request, *, kind, mission):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                kind=kind,
                mission=mission,
                data=upload.read(),
                filename=upload.name,
                encoding=form.cleaned_data["encoding"],
                acting_user=request.user,
            )
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("events:import-mapping", job_pk=job.pk)
    recent = ImportJob.objects.filter(kind=kind, mission=mission).select_related("uploaded_by")
    if mission is None:
        recent = recent.filter(uploaded_by=request.user)
    return render(
        request,
        "events/imports/start.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": ImportJob.Kind(kind).label,
            "title": f"Import {ImportJob.Kind(kind).label[0].lower()}{ImportJob.Kind(kind).label[1:]}",
            "hint": KIND_HINTS[kind],
            "mission": mission,
            "fields": imports.fields_for(kind),
            "recent": recent[:5],
            "max_mb": settings.IMPORT_MAX_UPLOAD_MB,
        },
        status=400 if form.errors else 200,
    )


@login_required
def import_start(request, pk, kind):
    if kind not in MISSION_KINDS:
        raise Http404("No such import.")
    mission = get_mission_for_user(request.user, pk, organise=True)
    return _upload(request, kind=kind, mission=mission)


@login_required
def contacts_import_start(request):
    if not may_import_contacts(request.user):
        raise PermissionDenied("Only organisers and managers can import contacts.")
    return _upload(request, kind=ImportJob.Kind.CONTACTS, mission=None)


def _columns_with_samples(table: imports.Table) -> dict[str, list[str]]:
    samples = {header: [] for header in table.headers}
    for _, cells in table.rows[:3]:
        for header, value in zip(table.headers, cells, strict=False):
            text = imports.cell_text(value)
            if text:
                samples[header].append(text[:40])
    return samples


def _guess_date_order(job: ImportJob, table: imports.Table) -> str:
    """Month first only when the file's dates cannot be day first (e.g. 10/23/2026)."""
    header = job.mapping.get("date")
    if job.kind != ImportJob.Kind.MEETINGS or header not in table.headers:
        return ImportJob.DateOrder.DAY_FIRST
    column = table.headers.index(header)
    return imports.guess_date_order(cells[column] for _, cells in table.rows if column < len(cells))


def _read_or_restart(request, job):
    try:
        return services.import_job_read_table(job=job)
    except imports.ImportFileError as error:
        messages.error(request, str(error))
        return None


def _restart_url(job: ImportJob) -> str:
    if job.mission_id is None:
        return reverse("events:contacts-import-start")
    return reverse("events:import-start", kwargs={"pk": job.mission_id, "kind": job.kind})


@login_required
def import_mapping(request, job_pk):
    job = get_import_job_for_user(request.user, job_pk)
    if job.status not in (ImportJob.Status.UPLOADED, ImportJob.Status.MAPPED):
        return redirect("events:import-detail", job_pk=job.pk)
    table = _read_or_restart(request, job)
    if table is None:
        return redirect(_restart_url(job))
    form = ImportMappingForm(
        request.POST or None,
        kind=job.kind,
        headers=job.headers,
        initial_mapping=job.mapping,
        date_order=job.date_order if job.status == ImportJob.Status.MAPPED else _guess_date_order(job, table),
        our_side=job.our_side,
    )
    if request.method == "POST" and form.is_valid():
        services.import_job_set_mapping(
            job=job,
            mapping=form.cleaned_data["mapping"],
            date_order=form.cleaned_data["date_order"],
            our_side=form.cleaned_data["our_side"],
        )
        return redirect("events:import-preview", job_pk=job.pk)
    samples = _columns_with_samples(table)
    rows = [
        {"field": form[spec.name], "spec": spec, "samples": samples.get(form[spec.name].value() or "", [])}
        for spec in imports.fields_for(job.kind)
    ]
    return render(
        request,
        "events/imports/mapping.html",
        {
            "job": job,
            "form": form,
            "rows": rows,
            "samples": samples,
            "restart_url": _restart_url(job),
            "two_sided": imports.is_two_sided(job.kind, headers=job.headers),
        },
        status=400 if form.errors else 200,
    )


def _previous_import(job: ImportJob):
    return (
        ImportJob.objects.filter(kind=job.kind, mission=job.mission, file_hash=job.file_hash, status="done")
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .first()
    )


@login_required
def import_preview(request, job_pk):
    job = get_import_job_for_user(request.user, job_pk)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("events:import-mapping", job_pk=job.pk)
    if job.status != ImportJob.Status.MAPPED:
        return redirect("events:import-detail", job_pk=job.pk)
    table = _read_or_restart(request, job)
    if table is None:
        return redirect(_restart_url(job))
    plan = imports.plan_import(job=job, table=table)
    totals = plan.totals()
    skip = request.POST.get("skip_bad_rows") == "on"
    status = 200
    if request.method == "POST":
        try:
            job = services.import_job_confirm(job=job, skip_bad_rows=skip, error_rows=len(plan.error_rows))
        except services.ImportRefused as error:
            messages.error(request, str(error))
            status = 400
        else:
            return redirect("events:import-detail", job_pk=job.pk)
    shown = plan.error_rows[:PREVIEW_ERROR_ROWS] + plan.ok_rows[:PREVIEW_ROWS]
    shown.sort(key=lambda r: r.number)
    mapped = [spec for spec in imports.fields_for(job.kind) if spec.name in job.mapping]
    for row in shown:
        row.display_cells = [(spec.label, row.cells[spec.name]) for spec in mapped if row.cells.get(spec.name)]
        if not row.errors and plan.new_organisation_on(row.number) is not None:
            row.match_form = ImportMatchForm(prefix=f"row{row.number}", initial={"row": row.number})
    return render(
        request,
        "events/imports/preview.html",
        {
            "job": job,
            "plan": plan,
            "counts": plan.counts(),
            "totals": [(label, totals[kind]) for kind, label in SUMMARY_LABELS.items() if kind in totals],
            "rows": shown,
            "hidden_rows": len(plan.rows) - len(shown),
            "skip": skip,
            "previous": _previous_import(job),
            "background": job.total_rows > settings.IMPORT_BACKGROUND_ROWS,
        },
        status=status,
    )


@login_required
@require_POST
def import_match(request, job_pk):
    """ "We have this one" on a new organisation of the preview."""
    job = get_import_job_for_user(request.user, job_pk)
    if job.status != ImportJob.Status.MAPPED:
        return redirect("events:import-detail", job_pk=job.pk)
    prefix = request.POST.get("prefix", "")
    form = ImportMatchForm(request.POST, prefix=prefix if re.fullmatch(r"row\d{1,6}", prefix) else "row0")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("events:import-preview", job_pk=job.pk)
    table = _read_or_restart(request, job)
    if table is None:
        return redirect(_restart_url(job))
    planned = imports.plan_import(job=job, table=table).new_organisation_on(form.cleaned_data["row"])
    organisation = form.cleaned_data["organisation"]
    if planned is None:
        messages.error(request, f"Row {form.cleaned_data['row']} names no new organisation any more: nothing changed.")
        return redirect("events:import-preview", job_pk=job.pk)
    try:
        names = services.import_job_match_organisation(
            job=job, planned=planned, organisation=organisation, acting_user=request.user
        )
    except services.ImportRefused as error:
        messages.error(request, str(error))
    else:
        said = " and ".join(f"“{name}”" for name in names)
        messages.success(request, f"{said} is now matched to {organisation}, in this file and in later ones.")
    return redirect("events:import-preview", job_pk=job.pk)


@login_required
@require_POST
def import_add_delegate(request, job_pk):
    """ "Add to the mission" on a row whose delegate is not on the delegate list."""
    job = get_import_job_for_user(request.user, job_pk)
    if job.status != ImportJob.Status.MAPPED or job.kind != ImportJob.Kind.MEETINGS:
        return redirect("events:import-detail", job_pk=job.pk)
    number, name = request.POST.get("row", ""), request.POST.get("name", "")
    table = _read_or_restart(request, job)
    if table is None:
        return redirect(_restart_url(job))
    row = imports.plan_import(job=job, table=table).row(int(number)) if number.isdigit() and len(number) < 7 else None
    if row is None or name not in row.unknown_delegates:
        messages.error(request, "That name is not an unknown delegate of this file any more: nothing changed.")
        return redirect("events:import-preview", job_pk=job.pk)
    try:
        delegate = services.import_job_add_delegate(
            job=job, name=name, organisation=row.our_organisation, acting_user=request.user
        )
    except (services.ImportRefused, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"{delegate.person.full_name} is now a delegate of {job.mission}.")
    return redirect("events:import-preview", job_pk=job.pk)


def _result_context(job):
    summary_rows = [(label, job.summary[kind]) for kind, label in SUMMARY_LABELS.items() if kind in job.summary]
    return {"job": job, "back_url": _back_url(job), "summary_rows": summary_rows}


def _back_url(job: ImportJob) -> str:
    if job.mission_id:
        return reverse("events:mission-detail", kwargs={"pk": job.mission_id})
    return reverse("home")


@login_required
def import_detail(request, job_pk):
    job = get_import_job_for_user(request.user, job_pk)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("events:import-mapping", job_pk=job.pk)
    if job.status == ImportJob.Status.MAPPED:
        return redirect("events:import-preview", job_pk=job.pk)
    return render(request, "events/imports/detail.html", _result_context(job))


@login_required
def import_progress(request, job_pk):
    job = get_import_job_for_user(request.user, job_pk)
    return render(request, "events/imports/_progress.html", _result_context(job))
