from django.urls import path

from contracts import measure_views as views

urlpatterns = [
    path("measures/", views.MeasureListView.as_view(), name="measures"),
    path("measures/new/", views.DefineMeasureView.as_view(), name="measure-define"),
    path("measures/returns.csv", views.ReturnsCsvView.as_view(), name="measure-returns-csv"),
    path("measures/returns.xlsx", views.ReturnsXlsxView.as_view(), name="measure-returns-xlsx"),
    path("measures/<int:pk>/", views.MeasureDetailView.as_view(), name="measure"),
    path("measures/<int:pk>/change/", views.ChangeMeasureView.as_view(), name="measure-change"),
    path("measures/<int:pk>/retire/", views.RetireMeasureView.as_view(), name="measure-retire"),
    path("measures/<int:pk>/returns/new/", views.EnterReturnView.as_view(), name="measure-return-enter"),
    path(
        "measures/<int:pk>/returns/<int:return_pk>/correct/",
        views.CorrectReturnView.as_view(),
        name="measure-return-correct",
    ),
]
