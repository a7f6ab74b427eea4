"""Typeahead over the people who are delegates on missions the user can see (the meeting list's
"Our delegate" filter when no mission is chosen). Same results partial as the directory lookup."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from contacts import search
from contacts.models import Person
from contacts.views.lookup import _field, _query

from .. import selectors


@login_required
def delegate_lookup(request):
    query = _query(request)
    delegates = Person.objects.filter(pk__in=selectors.delegate_people(user=request.user).values("pk"))
    people = search.people_matching(query, within=delegates)
    return render(
        request,
        "contacts/lookup/person_results.html",
        {
            "results": list(people.select_related("organisation")[: search.RESULT_LIMIT]),
            "q": query.strip(),
            "field": _field(request),
            "create": False,
        },
    )
