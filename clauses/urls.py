app_name = "clauses"

urlpatterns = []
