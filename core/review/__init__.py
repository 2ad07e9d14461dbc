"""The one review workflow (draft → submitted → approved / returned) that every reviewable
record shares: activities, single honours and commendation lists.

``models`` holds the status and the abstract ``Reviewable``; ``rules`` the transition checks,
parameterised by each model's own rule for who handles a record; ``services`` the transitions,
which call a ``Workflow``'s hooks for what one model adds; ``views`` the POST-only action view
each app's URLs configure.
"""
