"""SQL inside a transaction (``execute_sql`` on a transaction): a migration's DDL rolls back."""

from __future__ import annotations

from runic.age import AGEDriver, AsyncAGEDriver


def _exists(driver: AGEDriver, name: str) -> bool:
    rows = driver.execute_sql(f"SELECT 1 FROM pg_tables WHERE tablename = '{name}'").rows
    return bool(rows)


def test_sql_in_a_transaction_commits_or_rolls_back(driver: AGEDriver) -> None:
    tx = driver.begin()
    tx.execute_sql("CREATE TABLE public.runic_tx_sql_a (x int)")
    assert tx.execute_sql("SELECT count(*) AS n FROM public.runic_tx_sql_a").rows == [(0,)]
    tx.rollback()
    assert not _exists(driver, "runic_tx_sql_a")
    tx = driver.begin()
    tx.execute_sql("CREATE TABLE public.runic_tx_sql_a (x int)")
    tx.commit()
    try:
        assert _exists(driver, "runic_tx_sql_a")
    finally:
        driver.execute_sql("DROP TABLE public.runic_tx_sql_a")


async def test_async_sql_in_a_transaction_rolls_back(
    async_driver: AsyncAGEDriver, driver: AGEDriver
) -> None:
    tx = await async_driver.begin()
    await tx.execute_sql("CREATE TABLE public.runic_tx_sql_b (x int)")
    await tx.rollback()
    assert not _exists(driver, "runic_tx_sql_b")
