from django.urls import path

from classifier.apis import ClassifyApi

urlpatterns = [
    path("classify/", ClassifyApi.as_view(), name="classify"),
]
