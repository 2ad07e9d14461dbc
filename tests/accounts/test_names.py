from accounts.models import User


def test_full_name_is_surname_first_without_a_space():
    assert User(username="staff", last_name="李", first_name="明").get_full_name() == "李明"
    assert User(username="x", last_name="欧阳", first_name="晓燕").get_full_name() == "欧阳晓燕"
    assert User(username="nobody").get_full_name() == ""
