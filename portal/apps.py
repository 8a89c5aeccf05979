from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "ร่วมคิด: หน่วยงานและบัญชีผู้ใช้"
