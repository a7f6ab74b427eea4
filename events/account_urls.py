from django.urls import path

from .views import accounts

app_name = "users"

urlpatterns = [
    path("", accounts.user_list, name="list"),
    path("new/", accounts.user_create, name="create"),
    path("<int:pk>/", accounts.user_detail, name="detail"),
    path("<int:pk>/password-link/", accounts.user_send_link, name="send-link"),
]
