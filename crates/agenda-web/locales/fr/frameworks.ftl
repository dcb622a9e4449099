# Indicator frameworks beside the SDGs (EU Digital Decade, GovTech Maturity Index, UN E-Government
# Survey): the KPI form's field, and the pages that show what the agenda measures of each.
field-framework-indicators = Indicateurs de référentiels
admin-hint-framework-indicators = Les indicateurs de la Décennie numérique de l’UE, de l’indice de maturité GovTech de la Banque mondiale ou de l’enquête des Nations unies sur l’administration en ligne que mesure cet indicateur. Ils sont nommés en anglais, comme les publient ces référentiels.
expected-framework-code = un indicateur de référentiel sous la forme référentiel:code, par exemple wb-gtmi-2022:I-5
