from django.urls import path

from recommendations.api import pages

app_name = "integrations"

urlpatterns = [
    path("integrations/", pages.integrations, name="index"),
]
