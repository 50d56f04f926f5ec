from django.urls import path

from recommendations.documents import views as views_verify

app_name = "verify"

urlpatterns = [
    path("verify/", views_verify.page, name="page"),
]
