app_name = "facilitateurs"

urlpatterns = []
