"""The currencies Stripe accepts for prices, and how many decimals each has in its minor units.

From Stripe's "Supported currencies" page (docs.stripe.com/currencies): the presentment
currencies, plus the three-decimal ones (bhd, jod, kwd, omr, tnd) its API also accepts. Codes are
lowercase, as Stripe wants them. The sandbox keeps its own copy on purpose (core/sandbox never
shares code with the engine, so one misreading cannot hide in both).
"""

from __future__ import annotations

_PRESENTMENT = """
    usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp
    byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel gip
    gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd kzt
    lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr
    nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd
    std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xcg xof xpf yer
    zar zmw
"""
STRIPE_CURRENCIES = frozenset(_PRESENTMENT.split())

# Stripe's zero-decimal currencies: the amount is in whole units (¥500 is 500).
_ZERO = "bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf"
ZERO_DECIMAL = frozenset(_ZERO.split())
# Counted in thousandths (5.124 KWD is 5124); Stripe charges them in multiples of ten.
_THREE = "bhd jod kwd omr tnd"
THREE_DECIMAL = frozenset(_THREE.split())


def is_supported(code: str) -> bool:
    """Whether Stripe accepts `code` (lowercase ISO 4217) as a price's currency."""
    return code in STRIPE_CURRENCIES


def decimals(code: str) -> int:
    """How many decimal places one unit of `code` has in Stripe's minor units."""
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2
