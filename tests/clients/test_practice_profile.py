"""PracticeProfile.pinned(): one read of the practice settings for one long operation."""

import pytest

from clients.models import PracticeProfile


@pytest.mark.django_db
def test_inside_a_pinned_block_the_profile_is_read_once(django_assert_num_queries):
    PracticeProfile.objects.create(id=1, legal_name="Northstar Managed IT Inc.")

    with django_assert_num_queries(1), PracticeProfile.pinned() as pinned:
        loads = [PracticeProfile.load() for _ in range(5)]

    assert all(profile is pinned for profile in loads)
    assert pinned.legal_name == "Northstar Managed IT Inc."


@pytest.mark.django_db
def test_a_save_inside_the_block_is_seen_by_the_rest_of_it():
    with PracticeProfile.pinned() as pinned:
        edited = PracticeProfile.objects.get(id=1)
        edited.legal_name = "Renamed Ltd."
        edited.save()

        assert edited is not pinned
        assert PracticeProfile.load().legal_name == "Renamed Ltd."


@pytest.mark.django_db
def test_after_the_block_load_reads_the_database_again():
    with PracticeProfile.pinned():
        PracticeProfile.objects.filter(id=1).update(legal_name="Changed elsewhere")
        inside = PracticeProfile.load().legal_name

    assert inside != "Changed elsewhere"
    assert PracticeProfile.load().legal_name == "Changed elsewhere"


@pytest.mark.django_db
def test_a_block_inside_another_keeps_the_outer_profile(django_assert_num_queries):
    with PracticeProfile.pinned() as outer:
        with django_assert_num_queries(0), PracticeProfile.pinned() as inner:
            assert inner is outer
        assert PracticeProfile.load() is outer
