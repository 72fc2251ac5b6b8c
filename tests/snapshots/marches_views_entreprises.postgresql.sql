SELECT "django_session"."session_key", "django_session"."session_data", "django_session"."expire_date" FROM "django_session" WHERE ("django_session"."expire_date" > ?::timestamptz AND "django_session"."session_key" = ?) LIMIT ?
SELECT "core_user"."id", "core_user"."password", "core_user"."last_login", "core_user"."is_superuser", "core_user"."username", "core_user"."first_name", "core_user"."last_name", "core_user"."email", "core_user"."is_staff", "core_user"."is_active", "core_user"."date_joined", "core_user"."role", "core_user"."organisation_id", "core_user"."direction_id" FROM "core_user" WHERE "core_user"."id" = ? LIMIT ?
SAVEPOINT "s_x"
SELECT COUNT(*) AS "__count" FROM "marches_entreprise"
RELEASE SAVEPOINT "s_x"
SELECT "core_organisation"."id", "core_organisation"."siret", "core_organisation"."nom", "core_organisation"."code_postal", "core_organisation"."departement", "core_organisation"."type", "core_organisation"."created_at" FROM "core_organisation" WHERE "core_organisation"."id" = ? LIMIT ?
SELECT "marches_entreprise"."id", "marches_entreprise"."siret", "marches_entreprise"."type_identifiant", "marches_entreprise"."nom", "marches_entreprise"."code_postal", "marches_entreprise"."departement", "marches_entreprise"."type_structure", "marches_entreprise"."created_at" FROM "marches_entreprise" ORDER BY "marches_entreprise"."nom" ASC, "marches_entreprise"."id" ASC LIMIT ?
