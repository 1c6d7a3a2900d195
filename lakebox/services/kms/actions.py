"""KMS operations, one function per operation (botocore's xform_name).
The work lives in the modules by topic; this module is the dispatch table."""
from lakebox.services.kms.aliases import create_alias, delete_alias, list_aliases, update_alias  # noqa: F401
from lakebox.services.kms.asymmetric import (  # noqa: F401
    derive_shared_secret, generate_data_key_pair, generate_data_key_pair_without_plaintext, generate_mac,
    get_public_key, sign, verify, verify_mac)
from lakebox.services.kms.crypto import (  # noqa: F401
    decrypt, encrypt, generate_data_key, generate_data_key_without_plaintext, generate_random, re_encrypt)
from lakebox.services.kms.grants import (  # noqa: F401
    create_grant, list_grants, list_retirable_grants, retire_grant, revoke_grant)
from lakebox.services.kms.imports import (  # noqa: F401
    delete_imported_key_material, get_parameters_for_import, import_key_material)
from lakebox.services.kms.key_stores import describe_custom_key_stores  # noqa: F401
from lakebox.services.kms.keys import (  # noqa: F401
    cancel_key_deletion, create_key, describe_key, disable_key, enable_key, get_key_policy, list_key_policies,
    list_keys, put_key_policy, schedule_key_deletion, update_key_description)
from lakebox.services.kms.replicas import replicate_key, update_primary_region  # noqa: F401
from lakebox.services.kms.rotation import (  # noqa: F401
    disable_key_rotation, enable_key_rotation, get_key_rotation_status, list_key_rotations, rotate_key_on_demand)
from lakebox.services.kms.tagging import list_resource_tags, tag_resource, untag_resource  # noqa: F401
from lakebox.services.kms.usage import get_key_last_usage  # noqa: F401
