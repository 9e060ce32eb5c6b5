"""Constants of the national statistics."""

# A figure resting on fewer people than this is hidden in national views (re-identification).
SMALL_NUMBER = 10

# Days of notice between booking and appointment, one bucket per day; the last one is "this many
# days or more". Medians over any filter are read from the summed buckets.
DELAY_BUCKETS = 92

# First month a period may start (nothing older exists on the platform).
FIRST_MONTH = (2024, 1)

# How far back the periodic refresh recomputes (outcomes are recorded late, receipts arrive late).
DEFAULT_REFRESH_DAYS = 35

# appointment_type (and SMS kind) of the rows that add up every type (every kind).
ALL = "*"
