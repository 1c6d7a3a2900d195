"""Custom key stores: lakebox has none (no CloudHSM cluster, no external key store
proxy), so the account's list is empty, as the DescribeCustomKeyStores API reference's
first example shows for an account that never made one, and naming a store finds none."""
from lakebox.services.kms.errors import CustomKeyStoreNotFoundException


def describe_custom_key_stores(ctx, params):
    if params.get("CustomKeyStoreId") or params.get("CustomKeyStoreName"):
        raise CustomKeyStoreNotFoundException()
    return {"CustomKeyStores": []}
