from django.urls import path

from .views import FloorView

app_name = "bench"
urlpatterns = [
    path("floor/", FloorView.as_view(), name="floor"),
]
