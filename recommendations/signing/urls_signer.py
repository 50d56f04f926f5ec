from django.urls import path

from recommendations.signing import views_signer

app_name = "sign"

urlpatterns = [
    path("sign/done/<uuid:public_id>/", views_signer.done, name="done"),
    path("sign/done/<uuid:public_id>/document.pdf", views_signer.document, name="document"),
    path("sign/<str:token>/", views_signer.start, name="start"),
    path("sign/<str:token>/code/", views_signer.send_code, name="send_code"),
    path("sign/<str:token>/verify/", views_signer.verify, name="verify"),
    path("sign/<str:token>/decide/", views_signer.decide, name="decide"),
]
