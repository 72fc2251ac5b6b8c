app_name = "marches"

urlpatterns = []
