"""诫勉教育和效能告诫: complaints, sanction cases, appeals, letters and the yearly ledger (台帐)."""
