"""The demo command fills an empty database once (the data itself is for people)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from elections.models import ChiefElection
from hamlets.models import Hamlet

pytestmark = pytest.mark.django_db


def test_demo_data_fills_once_and_documents_accounts(capsys):
    call_command("demo_data")
    hamlets = Hamlet.objects.count()
    assert hamlets > 1000 and ChiefElection.objects.exists()
    assert set(Hamlet.objects.values_list("commune__district__province__name", flat=True)) == {"Tỉnh Nghệ An"}
    board = User.objects.get(username="thanhchuong")
    assert board.check_password("demo-cadre-2022") and board.scope.district.name == "Huyện Thanh Chương"
    call_command("demo_data")
    assert "already present" in capsys.readouterr().out
    assert Hamlet.objects.count() == hamlets
