app_name = "spaser"

urlpatterns = []
