"""GB 11643 ID numbers: check digits, decoding, masking, encryption and the keyed hash."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members import crypto, idcard
from members.models import Member

from ..factories import MemberFactory, make_id_number

# Vectors: the worked examples of GB 11643-1999 and numbers computed by hand with the
# ISO 7064 MOD 11-2 weights (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
VALID = [
    ("11010519491231002X", date(1949, 12, 31), "F"),  # the standard's example, check "X"
    ("440524188001010014", date(1880, 1, 1), "M"),  # the standard's other example (pre-1900: checksum only)
    ("450202200001010010", date(2000, 1, 1), "M"),  # weighted sum 111, 111 % 11 = 1 -> "0"
    ("450202199912310027", date(1999, 12, 31), "F"),  # sum 247, 247 % 11 = 5 -> "7"
]
BAD_CHECKSUM = ["110105194912310021", "450202200001010011", "45020219991231002X", "450202199912310020"]


@pytest.mark.parametrize(("number", "birth", "gender"), VALID)
def test_check_character_of_valid_numbers(number, birth, gender):
    assert idcard.check_character(number[:17]) == number[17]


@pytest.mark.parametrize("number", BAD_CHECKSUM)
def test_a_wrong_check_character_is_refused(number):
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse(number)
    assert exc.value.code == "checksum"


def test_parse_decodes_birth_date_and_gender():
    parsed = idcard.parse("11010519491231002X")
    assert (parsed.birth_date, parsed.gender) == (date(1949, 12, 31), "F")
    male = idcard.parse("450202200001010010")
    assert (male.birth_date, male.gender) == (date(2000, 1, 1), "M")


def test_parse_accepts_lower_case_x_and_full_width_digits():
    assert idcard.parse("11010519491231002x").number == "11010519491231002X"
    assert idcard.parse("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "length"),
        ("1101051949123100", "length"),
        ("1101051949123100211", "length"),
        ("11010519491231002A", "format"),
        ("X10105194912310021", "format"),
        ("990105194912310021", "region"),  # no province 99
        ("110105194902300021", "birth_date"),  # 30 February
        ("440524188001010014", "birth_date"),  # valid checksum, but born before 1900
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(text, code):
    with pytest.raises(idcard.IdNumberError) as exc:
        idcard.parse(text)
    assert exc.value.code == code
    assert text == "" or text not in exc.value.message  # messages never echo the number


def test_a_birth_date_in_the_future_is_refused():
    number = idcard.make("450202", date(2030, 1, 1), 11)
    with pytest.raises(idcard.IdNumberError):
        idcard.parse(number, today=date(2026, 1, 1))


def test_make_composes_numbers_that_parse():
    for n in range(0, 1000, 37):
        number = idcard.make("450202", date(2001, 2, 28), n)
        assert idcard.parse(number).gender == ("M" if n % 2 else "F")


def test_mask_keeps_area_and_last_four_only():
    assert idcard.mask("45020219991231123X") == "450202********123X"
    assert idcard.looks_like_id_number("45020219991231123x")
    assert not idcard.looks_like_id_number("张三")


def test_the_number_is_stored_encrypted_hashed_and_masked(db, district):
    number = make_id_number(date(2001, 5, 3), 7)
    member = MemberFactory(organisation=district.branch_a, birth_date=date(2001, 5, 3), id_number=number)
    row = Member.objects.filter(pk=member.pk).values().get()
    assert number not in str(row)  # no column holds the plain number
    assert row["id_number_masked"] == idcard.mask(number)
    assert row["id_number_hash"] == crypto.keyed_hash(number)
    assert Member.objects.get(pk=member.pk).decrypt_id_number() == number
    assert list(Member.objects.with_id_number(number.lower())) == [member]
    history = member.history.values().get()
    assert "id_number_encrypted" not in history and number not in str(history)


def test_encryption_uses_the_key_from_settings(settings):
    token = crypto.encrypt("450202200001010010")
    assert crypto.decrypt(token) == "450202200001010010"
    from cryptography.fernet import Fernet

    settings.MEMBER_ID_KEY = Fernet.generate_key().decode()
    with pytest.raises(ValueError, match="MEMBER_ID_KEY") as exc:
        crypto.decrypt(token)
    assert "450202200001010010" not in str(exc.value)


def test_a_rotated_key_still_decrypts_old_tokens(settings):
    from cryptography.fernet import Fernet

    old = settings.MEMBER_ID_KEY
    token = crypto.encrypt("450202200001010010")
    settings.MEMBER_ID_KEY = f"{Fernet.generate_key().decode()},{old}"
    assert crypto.decrypt(token) == "450202200001010010"
    rotated = crypto.rotate(token)
    settings.MEMBER_ID_KEY = settings.MEMBER_ID_KEY.split(",")[0]
    assert crypto.decrypt(rotated) == "450202200001010010"


def test_the_keyed_hash_depends_on_the_hash_key(settings):
    before = crypto.keyed_hash("450202200001010010")
    settings.MEMBER_ID_HASH_KEY = "another-key"
    assert crypto.keyed_hash("450202200001010010") != before


def test_birth_date_and_gender_must_agree_with_the_number(db, district):
    member = Member(name="张三", category="youth", organisation=district.branch_a)
    member.set_id_number("450202200001010010")
    member.birth_date, member.gender = date(2000, 1, 2), "F"
    with pytest.raises(ValidationError) as exc:
        member.full_clean()
    assert set(exc.value.message_dict) >= {"birth_date", "gender"}
    member.birth_date, member.gender = date(2000, 1, 1), "M"
    member.full_clean()


def test_reencrypt_command_moves_every_number_to_the_new_key(db, district, settings):
    import io

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    members = [MemberFactory(organisation=district.branch_a) for _ in range(3)]
    numbers = {m.pk: m.decrypt_id_number() for m in members}
    old_key = settings.MEMBER_ID_KEY
    new_key = Fernet.generate_key().decode()
    settings.MEMBER_ID_KEY = f"{new_key},{old_key}"
    out = io.StringIO()
    call_command("reencrypt_member_ids", "--batch-size", "2", stdout=out)
    assert out.getvalue().strip() == "re-encrypted=3"
    settings.MEMBER_ID_KEY = new_key  # the old key is gone
    for member in Member.objects.all():
        assert member.decrypt_id_number() == numbers[member.pk]
