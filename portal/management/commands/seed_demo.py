from importlib import import_module

from django.core.management.base import BaseCommand

from portal import demo

# Apps add their demo content in this order (later apps link to earlier apps' records).
APP_SEEDERS = [
    "nlp.demo",
    "ideas.demo",
    "workshops.demo",
    "surveys.demo",
    "plans.demo",
    "assessments.demo",
]


class Command(BaseCommand):
    help = "Load the Thai demo data (idempotent: running it again changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="don't print log-ins")

    def handle(self, *args, quiet_logins=False, **options):
        ctx = demo.seed(demo.DemoContext())
        for module_name in APP_SEEDERS:
            import_module(module_name).seed(ctx)
        for line in ctx.log:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("ข้อมูลตัวอย่างพร้อมแล้ว (demo data ready)"))
        if not quiet_logins:
            self.stdout.write("\nบัญชีทดลอง (demo log-ins):")
            for email, password, what in demo.login_table():
                self.stdout.write(f"  {email:32} {password:14} {what}")
