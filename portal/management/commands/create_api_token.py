from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.models import Agency, Role
from portal.services import api_token_create, membership_ensure, user_ensure


class Command(BaseCommand):
    help = "Create an API token for a user and print only the token."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--create-user", action="store_true", help="create the user if missing")
        parser.add_argument("--password", help="set this password (the user can log in with it)")
        parser.add_argument("--agency", help="agency slug for --role")
        parser.add_argument("--role", choices=[choice for choice, _ in Role.choices])
        parser.add_argument("--name", default="cli", help="a label for the token")

    def handle(self, *args, email, create_user, password, agency, role, name, **options):
        if bool(agency) != bool(role):
            raise CommandError("--agency and --role go together")
        agency_obj = None
        if agency:
            agency_obj = Agency.objects.filter(slug=agency).first()
            if agency_obj is None:
                raise CommandError(f"no agency with slug {agency!r}")
        User = get_user_model()
        exists = User.objects.filter(email__iexact=email).exists()
        if not exists and not create_user:
            raise CommandError(f"no user {email!r} (use --create-user)")
        user = user_ensure(email=email, password=password)
        if agency_obj is not None:
            membership_ensure(user=user, agency=agency_obj, role=role)
        self.stdout.write(api_token_create(user=user, name=name))
