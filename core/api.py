"""What the statistics API (stats/api_views.py) and the case API (public/api.py) share."""

from drf_spectacular.utils import OpenApiResponse

BAD_REQUEST = OpenApiResponse(
    description="An unknown parameter or value; the answer names the accepted values."
)


class CSVDownloadMixin:
    csv_filename = "statistics"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            getattr(request, "accepted_renderer", None)
            and request.accepted_renderer.format == "csv"
            and "Content-Disposition" not in response  # a cached response keeps its own
        ):
            response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response
