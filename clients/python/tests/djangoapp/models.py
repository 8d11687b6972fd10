from django.db import models

from listguard.django import EmailField


class Subscriber(models.Model):
    account_id = models.BigIntegerField()
    list_id = models.BigIntegerField()
    name = models.TextField(blank=True, default="")
    email = EmailField(db_index=True, null=True)

    class Meta:
        app_label = "djangoapp"
        unique_together = [("account_id", "email")]
