# Indicator frameworks beside the SDGs (EU Digital Decade, GovTech Maturity Index, UN E-Government
# Survey): the KPI form's field, and the pages that show what the agenda measures of each.
field-framework-indicators = Indicadores de marcos de referencia
admin-hint-framework-indicators = Los indicadores de la Década Digital de la UE, del Índice de Madurez GovTech del Banco Mundial o de la Encuesta de las Naciones Unidas sobre Gobierno Electrónico que mide este indicador. Se nombran en inglés, tal como los publican esos marcos.
expected-framework-code = un indicador de un marco de referencia en la forma marco:código, por ejemplo wb-gtmi-2022:I-5
