# Indicator frameworks beside the SDGs (EU Digital Decade, GovTech Maturity Index, UN E-Government
# Survey): the KPI form's field, and the pages that show what the agenda measures of each.
field-framework-indicators = Framework indicators
admin-hint-framework-indicators = The indicators of the EU Digital Decade, the World Bank's GovTech Maturity Index or the UN E-Government Survey that this KPI measures. They are named in English, as the frameworks publish them.
expected-framework-code = a framework indicator as framework:code, such as wb-gtmi-2022:I-5
