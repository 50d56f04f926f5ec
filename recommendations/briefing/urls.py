from django.urls import path

from recommendations.briefing import views

app_name = "briefing"

urlpatterns = [
    path("clients/<uuid:public_id>/briefing/", views.briefing_prepare, name="prepare"),
    path("clients/<uuid:public_id>/briefing/preview.pdf", views.briefing_preview, name="preview"),
    path("clients/<uuid:public_id>/briefing/schedule/", views.briefing_schedule, name="schedule"),
    path("clients/<uuid:public_id>/briefing/issue/", views.briefing_issue_view, name="issue"),
    path("briefings/<uuid:public_id>/", views.briefing_detail, name="detail"),
    path("briefings/<uuid:public_id>/download/", views.briefing_download, name="download"),
    path("briefings/<uuid:public_id>/send/", views.briefing_send_view, name="send"),
]
