app_name = "bilans"

urlpatterns = []
