from django.urls import path

from governance import apis

urlpatterns = [
    path("regions/", apis.RegionListApi.as_view(), name="region-list"),
    path("regions/<str:code>/", apis.RegionDetailApi.as_view(), name="region-detail"),
    path("regions/<str:code>/children/", apis.RegionChildrenApi.as_view(), name="region-children"),
    path("grids/", apis.GridListApi.as_view(), name="grid-list"),
    path("departments/", apis.DepartmentListApi.as_view(), name="department-list"),
    path("catalogue/", apis.CatalogueListApi.as_view(), name="catalogue-list"),
    path("address/resolve/", apis.AddressResolveApi.as_view(), name="address-resolve"),
]
