from django.urls import path

app_name = "regulations"
urlpatterns = []
