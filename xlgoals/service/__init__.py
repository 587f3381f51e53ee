"""``xlgoals serve``: the checking engine as an intranet web service with a browser page and an API,
for desks without Python or Excel (optional extra ``xlgoals[web]``)."""
