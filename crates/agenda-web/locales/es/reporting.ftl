# /reporting: quién ha enviado los valores de qué indicadores para este periodo.
rep-title = Estado de los informes
rep-intro = Para cada organización, el valor que cada uno de sus indicadores debe para su último periodo terminado (un mes, un trimestre o un año, según el indicador): enviado, vencido o aún no debido. Un valor cuenta como enviado en cuanto se presenta, antes de validarse y publicarse.
rep-none = Ningún indicador debe todavía un valor.
rep-summary-caption = Valores de este periodo, por organización
rep-figures-caption = El valor de cada indicador para su último periodo
rep-sent = Enviado
rep-share = Parte enviada
rep-organisation = Organización
