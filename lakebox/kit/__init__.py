"""What every service needs and no service owns: ARNs (`arns`), tag rules (`tags`),
resource policies (`policies`) and calls into another service on behalf of a caller
(`calls`). The kit imports no service; services import it."""
