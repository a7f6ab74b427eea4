"""Who a name refers to: one resolver of organisations, used wherever a name is typed or imported.

``names`` turns a name into comparison keys (width, case, punctuation and legal
forms folded away; Japanese names also read in Latin letters); ``resolver``
finds the records those keys point at, by name, reading or alias.
"""
