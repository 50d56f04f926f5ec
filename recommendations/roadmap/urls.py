from django.urls import path

from recommendations.roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("clients/<uuid:public_id>/roadmap/", views.client_roadmap_view, name="client"),
    path("clients/<uuid:public_id>/roadmap/fiscal-year/", views.fiscal_year_set, name="fiscal_year"),
    path("clients/<uuid:public_id>/roadmap.csv", views.client_roadmap_csv, name="client_csv"),
    path("roadmap/items/<uuid:public_id>/move/", views.recommendation_move, name="move"),
    path("roadmap/pipeline/", views.pipeline_view, name="pipeline"),
    path("roadmap/pipeline.csv", views.pipeline_csv, name="pipeline_csv"),
]
