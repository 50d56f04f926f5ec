"""CSV import of clients and contacts from PSA exports (ConnectWise PSA, Datto Autotask, HaloPSA)
and RiskReg's own layout: `layouts` (the columns each source uses), `reading` (decoding and the
header), `values` (cell values to RiskReg's), `planning` (what each row would do: the preview)
and `services` (upload, check, apply in one transaction)."""
