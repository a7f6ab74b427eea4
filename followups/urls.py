from django.urls import path

from . import views

app_name = "followups"

urlpatterns = [
    path("mine/", views.my_followups, name="my-followups"),
]
