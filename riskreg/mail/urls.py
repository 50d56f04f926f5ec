from django.urls import path

from riskreg.mail import views

app_name = "mail"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:email_id>/", views.email_detail, name="email_detail"),
    path("outbox/<int:email_id>/html/", views.email_html, name="email_html"),
]
