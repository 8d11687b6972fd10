# Written as `makemigrations` would, plus listguard's operations.
from django.db import migrations, models

import listguard.django

ROLES = "lg_masked, lg_pseudo, lg_sealed, lg_clear"


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Subscriber",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("account_id", models.BigIntegerField()),
                ("list_id", models.BigIntegerField()),
                ("name", models.TextField(blank=True, default="")),
                ("email", listguard.django.EmailField(db_index=True, null=True)),
            ],
            options={"unique_together": {("account_id", "email")}},
        ),
        listguard.django.Protect("subscriber", "account_id", "list_id"),
        migrations.RunSQL(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON djangoapp_subscriber TO %s;"
            "GRANT USAGE ON SEQUENCE djangoapp_subscriber_id_seq TO %s" % (ROLES, ROLES),
            migrations.RunSQL.noop,
        ),
        listguard.django.GrantAccess("lg_django_analyst", 1, 10, reveal="pseudonym", reason="migration test"),
    ]
