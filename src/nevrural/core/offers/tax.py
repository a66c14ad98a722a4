"""Vehicle purchase tax (车辆购置税) on a car's invoice price.

The tax is 10 % of the taxable price, and the taxable price of a car bought from a
dealer is the price actually paid *excluding* VAT (车辆购置税法, adopted by the NPC
Standing Committee on 2018-12-29, in force 2019-07-01, Art. 4 and 6). Car prices in
China include 13 % VAT (财政部 税务总局 海关总署公告2019年第39号, 2019-03-20, from
2019-04-01). So the tax is ``price × 10 / 113``, rounded half-up to the fen. Reliefs
for NEVs are policy rules of kind ``tax_relief`` in the catalogue.
"""

from __future__ import annotations

from nevrural.core.offers.money import div_half_up

__all__ = ["purchase_tax_fen"]

_TAX_PERCENT = 10  # 车辆购置税法 (2018-12-29), Art. 4
_PRICE_WITH_VAT_PERCENT = 113  # 13 % VAT, 财政部 税务总局 海关总署公告2019年第39号 (2019-03-20)


def purchase_tax_fen(invoice_fen: int) -> int:
    """Purchase tax before any relief, fen, on an invoice price incl. VAT (fen).

    >>> purchase_tax_fen(11_300_000)  # 113,000 CNY: taxable 100,000, tax 10,000 CNY
    1000000
    """
    return div_half_up(invoice_fen * _TAX_PERCENT, _PRICE_WITH_VAT_PERCENT)
