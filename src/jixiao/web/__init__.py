"""The web application (Django): units fill in and submit, the finance bureau reviews and publishes.

Nothing below this package imports Django; views and the API are thin adapters over ``services``
and the ORM use cases in ``filing.ops``.
"""
